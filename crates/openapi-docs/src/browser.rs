//! Finding and starting a headless Chromium, for the screenshot the project
//! keeps and for the browser test. Chromium is optional: callers skip or
//! refuse with a clear message when it is absent.

use std::path::{Path, PathBuf};

/// Names tried on `PATH`, after the `CHROMIUM` environment variable.
const NAMES: &[&str] = &["chromium", "chromium-browser", "google-chrome", "chrome"];

/// The Chromium to use: `$CHROMIUM`, else the first of [`NAMES`] on `PATH`.
pub fn find() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("CHROMIUM").map(PathBuf::from) {
        return p.is_file().then_some(p);
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|dir| NAMES.iter().map(move |n| dir.join(n)))
        .find(|p| p.is_file())
}

/// Flags for a quiet headless run with a fresh profile. Without the
/// networking flags Chromium keeps trying to reach Google's hosts, which a
/// closed network refuses; `--no-sandbox` lets it run as root in CI.
pub fn headless_args(profile: &Path) -> Vec<String> {
    [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        "--hide-scrollbars",
        "--mute-audio",
    ]
    .iter()
    .map(|s| s.to_string())
    .chain([format!("--user-data-dir={}", profile.display())])
    .collect()
}
