//! `cargo xtask contract recorded`: HAR recordings checked against the document.

use std::path::{Path, PathBuf};

use clap::Args;
use openapi_contract::coverage::{Coverage, Tally};
use openapi_contract::run::{Runner, collect_har_files};
use openapi_contract::{Options, RunReport};

use crate::outcome::{CommandResult, Failure, Verdict};
use crate::report::{ReportArgs, emit, progress, valid_secrets};

#[derive(Args, Clone)]
pub struct RecordedArgs {
    #[command(flatten)]
    pub report: ReportArgs,
    /// Match recorded URLs under this base URL instead of the document's first server.
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// Entries whose request path is PATH are webhook deliveries (the
    /// request is what the provider sent, the response the receiver's
    /// answer), checked with the webhook.* checks; repeatable. Entries
    /// marked "_webhook": true (as `contract webhooks --record` writes
    /// them) are deliveries without it.
    #[arg(long = "webhook", value_name = "PATH")]
    pub webhook_paths: Vec<String>,
    /// HAR files or directories searched for *.har (default: tests/recorded/).
    pub paths: Vec<PathBuf>,
}

impl RecordedArgs {
    /// The arguments of a bare `contract recorded`: clap's own defaults, so
    /// they cannot drift from the flags' documented ones.
    pub fn defaults() -> Self {
        #[derive(clap::Parser)]
        struct Bare {
            #[command(flatten)]
            args: RecordedArgs,
        }
        <Bare as clap::Parser>::parse_from(["recorded"]).args
    }
}

pub fn run(args: RecordedArgs) -> CommandResult {
    run_covered(args).map(|(verdict, _)| verdict)
}

/// [`run`], and what the run covered of each document.
pub fn run_covered(args: RecordedArgs) -> Result<(Verdict, Vec<Coverage>), Failure> {
    let root = crate::project_root();
    let paths = if args.paths.is_empty() {
        vec![root.join("tests/recorded")]
    } else {
        args.paths.clone()
    };
    let files = collect_har_files(&paths)?;
    if files.is_empty() {
        return Err(Failure(format!(
            "no .har files under {}",
            show_paths(&paths)
        )));
    }
    let options = Options {
        strict: args.report.strict,
        base_url: args.base_url.clone(),
        valid_secrets: valid_secrets(),
        max_body_bytes: args.report.max_body_bytes,
    };
    let forced = args.report.spec.is_some();
    let spec = args.report.spec.clone().unwrap_or_else(crate::default_spec);
    let mut runner =
        Runner::new(spec, forced, options).with_webhook_paths(args.webhook_paths.clone());
    let bar = progress();
    let mut report = RunReport::default();
    for file in &files {
        let shown = openapi_spec::display_path(file, &root)
            .display()
            .to_string();
        bar.set_message(shown.clone());
        report
            .files
            .push(runner.run_file(file, &shown, &|_| bar.inc(1)));
    }
    bar.finish_and_clear();
    let coverage = coverage_by_document(&mut runner, &report)?;
    for f in &mut report.files {
        f.spec = openapi_spec::display_path(Path::new(&f.spec), &root)
            .display()
            .to_string();
    }
    Ok((emit(report, &coverage, &args.report)?, coverage))
}

/// One coverage per document the files were checked against (the files'
/// tallies added up), in the order the documents first appear.
fn coverage_by_document(runner: &mut Runner, report: &RunReport) -> Result<Vec<Coverage>, Failure> {
    let mut tallies: Vec<(String, Tally)> = Vec::new();
    for f in report.files.iter().filter(|f| f.error.is_none()) {
        match tallies.iter_mut().find(|(spec, _)| *spec == f.spec) {
            Some((_, t)) => t.absorb(&f.tally),
            None => tallies.push((f.spec.clone(), f.tally.clone())),
        }
    }
    let mut out = Vec::new();
    for (spec, tally) in tallies {
        if let Ok(contract) = runner.contract(Path::new(&spec)) {
            out.push(Coverage::of(contract, &tally));
        }
    }
    Ok(out)
}

fn show_paths(paths: &[PathBuf]) -> String {
    paths
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}
