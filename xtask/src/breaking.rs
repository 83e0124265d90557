//! `cargo xtask breaking`: the breaking-change gate. Compares the document
//! with a base (a file, or the copy in a git revision read with `git show`,
//! so nothing is checked out) and fails on changes at or above `--fail-on`.

use std::path::{Path, PathBuf};
use std::process::Command;

use clap::{Args, ValueEnum};
use openapi_diff::{Level, Report, render};
use openapi_spec::{Document, LoadOptions};

use crate::outcome::{CommandResult, Failure, Verdict};

#[derive(Clone, Copy, ValueEnum)]
pub enum Format {
    /// One block per change, errors first.
    Text,
    /// The whole report as JSON.
    Json,
    /// A changelog a release note can paste.
    Markdown,
    /// JUnit XML (failing changes are failures).
    Junit,
    /// GitHub workflow annotations (::error file=...,line=...::).
    Github,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum FailOn {
    /// Fail on changes that break existing clients.
    Error,
    /// Also fail on changes that may break some.
    Warning,
}

#[derive(Args)]
pub struct BreakingArgs {
    /// The base to compare with: a file, or a git revision (tag, branch,
    /// commit, HEAD~1) whose copy of the document is read with `git show`.
    /// Default: the newest tag that has the document, else HEAD~1.
    #[arg(long, value_name = "REV_OR_FILE")]
    pub base: Option<String>,
    /// The revised document (default: openapi/signalzen-v1.yaml).
    #[arg(long, value_name = "FILE")]
    pub spec: Option<PathBuf>,
    /// What to print on standard output.
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
    /// The lowest level that fails the gate.
    #[arg(long, value_enum, default_value = "error")]
    pub fail_on: FailOn,
}

pub fn run(args: BreakingArgs) -> CommandResult {
    let spec = args.spec.unwrap_or_else(crate::default_spec);
    let report = compare(&spec, args.base.as_deref())?;
    let fail_on = match args.fail_on {
        FailOn::Error => Level::Error,
        FailOn::Warning => Level::Warning,
    };
    let text = match args.format {
        Format::Text => render::text(&report, fail_on),
        Format::Json => render::json(&report),
        Format::Markdown => render::markdown(&report),
        Format::Junit => render::junit(&report, fail_on)?,
        Format::Github => render::github(&report, fail_on),
    };
    print!("{text}");
    Ok(if report.failing(fail_on).is_empty() {
        Verdict::Pass
    } else {
        Verdict::Violation
    })
}

/// The report for `spec` against `base` (or the default base).
pub fn compare(spec: &Path, base: Option<&str>) -> Result<Report, Failure> {
    let options = LoadOptions::default();
    let revision = openapi_spec::load(spec, &options)?;
    let base = match base {
        Some(b) if Path::new(b).is_file() => openapi_spec::load(Path::new(b), &options)?,
        Some(rev) => from_git(spec, rev)?,
        None => from_git(spec, &default_base(spec)?)?,
    };
    Ok(openapi_diff::compare(&base, &revision))
}

/// Runs git in `dir`; its standard output, or why it failed.
fn git(dir: &Path, args: &[&str]) -> Result<Vec<u8>, String> {
    let output = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if output.status.success() {
        Ok(output.stdout)
    } else {
        Err(String::from_utf8_lossy(&output.stderr).trim().to_string())
    }
}

/// The repository holding `spec`, and the document's path inside it.
fn locate(spec: &Path) -> Result<(PathBuf, String), Failure> {
    let absolute = std::fs::canonicalize(spec)
        .map_err(|e| Failure(format!("cannot read {}: {e}", spec.display())))?;
    let dir = absolute.parent().unwrap_or(Path::new("."));
    let top = git(dir, &["rev-parse", "--show-toplevel"]).map_err(|e| {
        Failure(format!(
            "{} is not in a git repository, so --base must be a file: {e}",
            spec.display()
        ))
    })?;
    let top = PathBuf::from(String::from_utf8_lossy(&top).trim());
    let top = std::fs::canonicalize(&top).unwrap_or(top);
    let inside = absolute
        .strip_prefix(&top)
        .map_err(|_| Failure(format!("{} is outside {}", spec.display(), top.display())))?;
    Ok((top, inside.to_string_lossy().replace('\\', "/")))
}

/// The document as it was in `rev`.
fn from_git(spec: &Path, rev: &str) -> Result<Document, Failure> {
    let (top, inside) = locate(spec)?;
    let object = format!("{rev}:{inside}");
    let bytes = git(&top, &["show", &object])
        .map_err(|e| Failure(format!("cannot read the base {object} from git: {e}")))?;
    let text =
        String::from_utf8(bytes).map_err(|_| Failure(format!("the base {object} is not UTF-8")))?;
    let json = inside.to_ascii_lowercase().ends_with(".json");
    Ok(openapi_spec::load_str(
        &text,
        Path::new(&object),
        json,
        &LoadOptions::default(),
    )?)
}

/// The newest tag whose tree has the document, else `HEAD~1`.
fn default_base(spec: &Path) -> Result<String, Failure> {
    let (top, inside) = locate(spec)?;
    let tags = git(&top, &["tag", "--sort=-creatordate"]).unwrap_or_default();
    let tags = String::from_utf8_lossy(&tags);
    for tag in tags.lines().map(str::trim).filter(|t| !t.is_empty()) {
        if git(&top, &["cat-file", "-e", &format!("{tag}:{inside}")]).is_ok() {
            return Ok(tag.to_string());
        }
    }
    Ok("HEAD~1".to_string())
}
