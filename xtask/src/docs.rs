//! `cargo xtask docs [--check] [--screenshot]`: the published reference.

use std::process::Command;

use crate::codegen::{self, Artefacts, write_atomically};
use crate::outcome::{Failure, Outcome, Verdict};
use crate::project_root;

#[derive(clap::Args)]
pub struct DocsArgs {
    /// Compare docs/reference/ with what the document gives instead of writing.
    #[arg(long)]
    check: bool,
    /// Also render the page in headless Chromium (Debian's `chromium`, or
    /// $CHROMIUM) and save the top of it as docs/images/reference.png.
    #[arg(long, conflicts_with = "check")]
    screenshot: bool,
}

/// Where the screenshot is kept, and the part of the page it shows.
const SCREENSHOT: &str = "docs/images/reference.png";
const WINDOW: &str = "1280,1600";

pub fn run(args: DocsArgs) -> Outcome {
    let verdict = codegen::run(args.check, Artefacts::Docs)?;
    if verdict != Verdict::Pass || !args.screenshot {
        return Ok(verdict);
    }
    screenshot().map_err(Failure)?;
    println!("docs: screenshot written to {SCREENSHOT}");
    Ok(Verdict::Pass)
}

fn screenshot() -> Result<(), String> {
    let chromium = openapi_docs::browser::find().ok_or(
        "no Chromium found: install Debian's `chromium` package or set CHROMIUM to its path",
    )?;
    let root = project_root();
    let page = root.join("docs/reference").join(openapi_docs::HTML_PAGE);
    let work = tempfile::tempdir().map_err(|e| format!("cannot make a temporary folder: {e}"))?;
    let png = work.path().join("shot.png");
    let output = Command::new(&chromium)
        .args(openapi_docs::browser::headless_args(
            &work.path().join("profile"),
        ))
        .arg(format!("--window-size={WINDOW}"))
        .arg(format!("--screenshot={}", png.display()))
        .arg(format!("file://{}", page.display()))
        .output()
        .map_err(|e| format!("cannot start {}: {e}", chromium.display()))?;
    let bytes = std::fs::read(&png).map_err(|_| {
        format!(
            "{} wrote no screenshot (exit {}): {}",
            chromium.display(),
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        )
    })?;
    write_atomically(&root.join(SCREENSHOT), &bytes)
}
