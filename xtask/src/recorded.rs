//! `cargo xtask contract recorded`: HAR recordings checked against the document.

use std::io::IsTerminal as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use openapi_contract::run::{Runner, collect_har_files};
use openapi_contract::{Options, RunReport};

/// Environment variables holding API secrets known to be valid; a request
/// presenting another secret is checked as "wrong secret". Never flags: a
/// flag would end up in shell history and CI logs.
pub const SECRET_ENV: [&str; 2] = ["SIGNALZEN_API_SECRET", "SIGNALZEN_API_SECRET_2"];

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
}

#[derive(Args, Clone)]
pub struct RecordedArgs {
    #[command(flatten)]
    pub report: ReportArgs,
    /// Match recorded URLs under this base URL instead of the document's first server.
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
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

pub fn valid_secrets() -> Vec<String> {
    SECRET_ENV
        .iter()
        .filter_map(|k| std::env::var(k).ok())
        .filter(|s| !s.trim().is_empty())
        .collect()
}

pub fn run(args: RecordedArgs) -> ExitCode {
    let root = crate::project_root();
    let paths = if args.paths.is_empty() {
        vec![root.join("tests/recorded")]
    } else {
        args.paths.clone()
    };
    let files = match collect_har_files(&paths) {
        Ok(f) if f.is_empty() => {
            eprintln!("error: no .har files under {}", show_paths(&paths));
            return ExitCode::from(2);
        }
        Ok(f) => f,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let options = Options {
        strict: args.report.strict,
        base_url: args.base_url.clone(),
        valid_secrets: valid_secrets(),
        max_body_bytes: args.report.max_body_bytes,
    };
    let forced = args.report.spec.is_some();
    let spec = args.report.spec.clone().unwrap_or_else(crate::default_spec);
    let mut runner = Runner::new(spec, forced, options);
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
    for f in &mut report.files {
        f.spec = openapi_spec::display_path(Path::new(&f.spec), &root)
            .display()
            .to_string();
    }
    emit(&report, &args.report)
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

fn show_paths(paths: &[PathBuf]) -> String {
    paths
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Prints the report, writes JUnit if asked, and turns the run into an exit code.
pub fn emit(report: &RunReport, args: &ReportArgs) -> ExitCode {
    match args.format {
        Format::Human => {
            let color = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
            print!(
                "{}",
                contract_report::text(
                    report,
                    contract_report::TextOptions {
                        color,
                        verbose: args.verbose
                    }
                )
            );
        }
        Format::Json => print!("{}", contract_report::json(report)),
    }
    if let Some(path) = &args.junit {
        let written = contract_report::junit(report).and_then(|xml| {
            crate::codegen::write_atomically(path, xml.as_bytes()).map_err(|e| e.to_string())
        });
        if let Err(e) = written {
            eprintln!(
                "error: cannot write the JUnit report {}: {e}",
                path.display()
            );
            return ExitCode::from(2);
        }
    }
    ExitCode::from(report.exit_code())
}
