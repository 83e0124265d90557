//! The diff of two large real documents: two releases of GitHub's REST
//! description (fetched by `bash benches/fetch-github-openapi.sh`, never
//! committed). Prints the median compare time next to the median load time
//! of the same documents (the baseline: machines differ, the ratio less so)
//! and the process's peak memory. Without the files it says how to get them.
//!
//!     cargo bench -p openapi-diff --bench diff
//!     GITHUB_OPENAPI_BASE=a.json GITHUB_OPENAPI_REVISION=b.json cargo bench -p openapi-diff --bench diff

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const RUNS: usize = 5;

fn input(var: &str, version: &str) -> PathBuf {
    std::env::var_os(var).map(PathBuf::from).unwrap_or_else(|| {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../target/github-openapi")
            .join(version)
            .join("api.github.com.json")
    })
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

/// Peak resident memory of this process (Linux), in MB.
fn peak_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

fn main() {
    let base = input("GITHUB_OPENAPI_BASE", "22.0.0");
    let revision = input("GITHUB_OPENAPI_REVISION", "23.0.2");
    if !base.is_file() || !revision.is_file() {
        println!(
            "diff bench skipped: {} or {} is missing; run `bash benches/fetch-github-openapi.sh 22.0.0 23.0.2`",
            base.display(),
            revision.display()
        );
        return;
    }
    let options = openapi_spec::LoadOptions::default();
    let load = |p: &Path| openapi_spec::load(p, &options).expect("the document loads");
    let mut loads = Vec::new();
    let (mut b, mut r) = (None, None);
    for _ in 0..RUNS {
        let start = Instant::now();
        b = Some(load(&base));
        r = Some(load(&revision));
        loads.push(start.elapsed());
    }
    let (b, r) = (b.unwrap(), r.unwrap());
    let mut compares = Vec::new();
    let mut report = None;
    for _ in 0..RUNS {
        let start = Instant::now();
        report = Some(openapi_diff::compare(&b, &r));
        compares.push(start.elapsed());
    }
    let report = report.unwrap();
    let (errors, warnings, infos) = report.counts();
    let (load, compare) = (median(loads), median(compares));
    println!(
        "diff {} ({} bytes) → {} ({} bytes)",
        base.display(),
        std::fs::metadata(&base).map(|m| m.len()).unwrap_or(0),
        revision.display(),
        std::fs::metadata(&revision).map(|m| m.len()).unwrap_or(0),
    );
    println!("  changes: {errors} error(s), {warnings} warning(s), {infos} info");
    println!("  load both (baseline): median {load:?} of {RUNS}");
    println!(
        "  compare:              median {compare:?} of {RUNS} ({:.2}x the load)",
        compare.as_secs_f64() / load.as_secs_f64()
    );
    if let Some(mb) = peak_mb() {
        println!("  peak memory (both documents loaded and compared): {mb:.0} MB");
    }
}
