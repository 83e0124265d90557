//! What every contract mode shares: which document, the report's format,
//! JUnit, progress on standard error, and the API secrets from the
//! environment.

use std::io::IsTerminal as _;
use std::path::PathBuf;

use clap::{Args, ValueEnum};
use openapi_contract::RunReport;
use openapi_contract::coverage::Coverage;

use crate::coverage::CoverageArgs;
use crate::outcome::{CommandResult, Failure};

/// Environment variables holding the API secrets known to be valid (the
/// first website's, then the second's, for isolation checks); a request
/// presenting another secret is checked as "wrong secret". Never flags: a
/// flag would end up in shell history and CI logs.
pub const API_SECRET_VARS: [&str; 2] = ["SIGNALZEN_API_SECRET", "SIGNALZEN_API_SECRET_2"];

/// The API secrets set in the environment, in [`API_SECRET_VARS`] order.
pub fn valid_secrets() -> Vec<String> {
    API_SECRET_VARS
        .iter()
        .filter_map(|k| std::env::var(k).ok())
        .filter(|s| !s.trim().is_empty())
        .collect()
}

#[derive(Clone, Copy, ValueEnum)]
pub enum Format {
    Human,
    Json,
}

/// Shared by every contract mode: which document, what to print, where.
#[derive(Args, Clone)]
pub struct ReportArgs {
    /// The OpenAPI document (default: openapi/signalzen-v1.yaml). When given,
    /// it is used even for recordings that name their own (log._openapi).
    #[arg(long, value_name = "FILE")]
    pub spec: Option<PathBuf>,
    /// Undocumented response fields fail instead of warn.
    #[arg(long)]
    pub strict: bool,
    /// The report on standard output.
    #[arg(long, value_enum, default_value = "human")]
    pub format: Format,
    /// Also write a JUnit XML report here (for CI test tabs).
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,
    /// List passing checks too (human format).
    #[arg(long, short)]
    pub verbose: bool,
    /// Largest response body checked; larger ones are reported as bad input.
    #[arg(long, value_name = "BYTES", default_value_t = openapi_contract::har::DEFAULT_MAX_BODY_BYTES)]
    pub max_body_bytes: usize,
    #[command(flatten)]
    pub coverage: CoverageArgs,
}

/// A progress counter on standard error (exchanges checked, current file),
/// drawn only on a terminal; cleared when the run ends.
pub fn progress() -> indicatif::ProgressBar {
    if !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::no_length();
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "{spinner} {pos} exchanges checked ({per_sec}) {wide_msg}",
    ) {
        bar.set_style(style);
    }
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    bar
}

/// Judges the coverage requirement, prints the report and one coverage
/// line per document, and writes the files asked for (JUnit, coverage,
/// HTML: all or none); the run's verdict.
pub fn emit(mut report: RunReport, coverage: &[Coverage], args: &ReportArgs) -> CommandResult {
    let spec = args.spec.clone().unwrap_or_else(crate::default_spec);
    let requirement = crate::coverage::requirement(&spec, &args.coverage)?;
    crate::coverage::judge(&mut report, coverage, &requirement)?;
    let code = crate::outcome::code(report.verdict());
    match args.format {
        Format::Human => {
            let color = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
            print!(
                "{}",
                contract_report::text(
                    &report,
                    contract_report::TextOptions {
                        color,
                        verbose: args.verbose
                    }
                )
            );
            for c in coverage {
                println!("{}", contract_report::coverage_line(c));
            }
        }
        Format::Json => print!("{}", contract_report::json(&report, code)),
    }
    let junit = match &args.junit {
        Some(path) => {
            let xml = contract_report::junit(&report).map_err(|e| {
                Failure(format!(
                    "cannot write the JUnit report {}: {e}",
                    path.display()
                ))
            })?;
            Some((path, xml))
        }
        None => None,
    };
    crate::coverage::write(&report, coverage, &args.coverage, code, junit)?;
    Ok(report.verdict())
}

/// The coverage of the document at `spec` by a tally of a run that built
/// its own contract (the webhook round trip): the points are the
/// document's, whatever options that run had.
pub fn coverage_of(
    spec: &std::path::Path,
    tally: &openapi_contract::coverage::Tally,
) -> Result<Coverage, Failure> {
    let doc = openapi_spec::load(spec, &openapi_spec::LoadOptions::default())
        .map_err(|e| Failure(format!("cannot load the document: {e}")))?;
    let contract = openapi_contract::Contract::new(doc, openapi_contract::Options::default())?;
    Ok(Coverage::of(&contract, tally))
}
