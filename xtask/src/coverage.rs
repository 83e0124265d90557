//! Coverage on the command line: the requirement (`--require-coverage`,
//! `--require`, or `.contract-coverage.yaml` next to the document), the
//! files a run writes (`--coverage-json`, `--coverage-markdown`,
//! `--html`), and `cargo xtask coverage merge`.

use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};
use openapi_contract::RunReport;
use openapi_contract::coverage::{Coverage, Requirement};

use crate::outcome::{CommandResult, Failure};

/// The requirement file's name, looked for next to the document.
pub const CONFIG_FILE: &str = ".contract-coverage.yaml";

/// Where a run's coverage goes, and what it must reach.
#[derive(Args, Clone, Default)]
pub struct CoverageArgs {
    /// Write the coverage as JSON ({"total", "covered", "points": [...]}),
    /// for `cargo xtask coverage merge`.
    #[arg(long, value_name = "FILE")]
    pub coverage_json: Option<PathBuf>,
    /// Write the coverage as Markdown (a GitHub step summary or a
    /// pull-request comment).
    #[arg(long, value_name = "FILE")]
    pub coverage_markdown: Option<PathBuf>,
    /// Write one self-contained HTML page: the verdict, the grouped
    /// findings and a coverage matrix per operation and per schema.
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
    /// Fail (coverage.required, exit 1) when less than PERCENT of the
    /// document's points were covered. Off by default: an unexercised
    /// point is not the server's fault.
    #[arg(long, value_name = "PERCENT")]
    pub require_coverage: Option<f64>,
    /// Fail (coverage.required) unless every point whose id starts with
    /// ID_PREFIX was covered; repeatable. Ids are JSON pointers into the
    /// document, with a qualifier (`#/components/schemas/Message/oneOf`,
    /// `…/file_url@null`). Also read from .contract-coverage.yaml next to
    /// the document (`minimum_percent: 90`, `require: [prefix, …]`).
    #[arg(long = "require", value_name = "ID_PREFIX")]
    pub require: Vec<String>,
}

/// The file next to the document, then the flags on top.
pub fn requirement(spec: &Path, args: &CoverageArgs) -> Result<Requirement, Failure> {
    let beside = spec.parent().unwrap_or(Path::new(".")).join(CONFIG_FILE);
    let mut requirement = if beside.is_file() {
        let text = std::fs::read_to_string(&beside)
            .map_err(|e| Failure(format!("cannot read {}: {e}", beside.display())))?;
        serde_saphyr::from_str::<Requirement>(&text)
            .map_err(|e| Failure(format!("{}: {e}", beside.display())))?
    } else {
        Requirement::default()
    };
    if args.require_coverage.is_some() {
        requirement.minimum_percent = args.require_coverage;
    }
    requirement.require.extend(args.require.iter().cloned());
    Ok(requirement)
}

/// Adds the `coverage.required` verdicts to the report.
pub fn judge(
    report: &mut RunReport,
    coverage: &[Coverage],
    requirement: &Requirement,
) -> Result<(), Failure> {
    for c in coverage {
        if let Some(file) = c.judge(requirement)? {
            report.files.push(file);
        }
    }
    Ok(())
}

/// The files asked for, with the JUnit report when there is one: all
/// written, or none.
pub fn write(
    report: &RunReport,
    coverage: &[Coverage],
    args: &CoverageArgs,
    exit_code: u8,
    junit: Option<(&PathBuf, String)>,
) -> Result<(), Failure> {
    let one = || match coverage {
        [one] => Ok(one),
        _ => Err(Failure(format!(
            "this run covered {} documents; a coverage file holds one (run each document on its own)",
            coverage.len()
        ))),
    };
    let mut files: Vec<(&PathBuf, Vec<u8>)> = Vec::new();
    if let Some((path, xml)) = junit {
        files.push((path, xml.into_bytes()));
    }
    if let Some(path) = &args.coverage_json {
        let mut text = serde_json::to_string_pretty(one()?).map_err(|e| Failure(e.to_string()))?;
        text.push('\n');
        files.push((path, text.into_bytes()));
    }
    if let Some(path) = &args.coverage_markdown {
        files.push((
            path,
            contract_report::coverage_markdown(one()?).into_bytes(),
        ));
    }
    if let Some(path) = &args.html {
        files.push((
            path,
            contract_report::html(report, coverage, exit_code).into_bytes(),
        ));
    }
    let borrowed: Vec<(&PathBuf, &[u8])> = files.iter().map(|(p, b)| (*p, b.as_slice())).collect();
    crate::fs::write_all(&borrowed).map_err(|e| Failure(format!("cannot write the reports: {e}")))
}

/// `cargo xtask coverage …`.
#[derive(Subcommand)]
pub enum CoverageCommand {
    /// Add up coverage files of one document (a recorded corpus, a live
    /// run, a webhook session) and print the merged summary.
    ///
    /// The files must be of the same document (title, version and point
    /// ids) and of a format this build reads; otherwise nothing is written
    /// and the exit code is 2. With --require-coverage or --require, an
    /// unmet requirement exits 1.
    Merge(MergeArgs),
}

/// `coverage merge`'s arguments.
#[derive(Args)]
pub struct MergeArgs {
    /// Coverage files written with --coverage-json.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    #[command(flatten)]
    pub coverage: CoverageArgs,
}

/// Runs a `coverage` subcommand.
pub fn run(command: CoverageCommand) -> CommandResult {
    let CoverageCommand::Merge(args) = command;
    let mut merged: Option<Coverage> = None;
    for path in &args.files {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path)
            .map_err(|e| Failure(format!("cannot read {shown}: {e}")))?;
        let c = Coverage::read(&shown, &text)?;
        match &mut merged {
            None => merged = Some(c),
            Some(m) => m.merge(&shown, &c)?,
        }
    }
    let merged = merged.into_iter().collect::<Vec<_>>();
    let requirement = Requirement {
        minimum_percent: args.coverage.require_coverage,
        require: args.coverage.require.clone(),
    };
    let mut report = RunReport::default();
    judge(&mut report, &merged, &requirement)?;
    let verdict = report.verdict();
    if !report.files.is_empty() {
        print!("{}", contract_report::text(&report, Default::default()));
    }
    for c in &merged {
        println!("{}", contract_report::coverage_line(c));
    }
    write(
        &report,
        &merged,
        &args.coverage,
        crate::outcome::code(verdict),
        None,
    )?;
    Ok(verdict)
}

/// The coverages of `reference`'s document among `all`, added up (a
/// recorded run also covers the peers' documents: those are left out).
pub fn together(reference: &Coverage, all: &[Coverage]) -> Coverage {
    let mut same = all.iter().filter(|c| c.document == reference.document);
    let mut sum = same.next().unwrap_or(reference).clone();
    for c in same {
        // Same document, so it adds up.
        let _ = sum.merge("", c);
    }
    sum
}
