//! Loading and linting a 3.1 document against its 3.0 equivalent, in the
//! same run: the v1 document and its 3.1 rewrite (`openapi_spec::upgrade`),
//! and GitHub's REST description and its rewrite when it has been fetched
//! (`bash benches/fetch-github-openapi.sh 23.0.2`). Both sides are loaded
//! from JSON text, interleaved, so parsing and the machine's drift cost the
//! same on each. Prints each side's median and the ratio 3.1 / 3.0.
//!
//!     cargo bench -p openapi-codegen --bench versions

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Load from text and lint; the number of findings.
fn load_lint(text: &str, name: &str) -> usize {
    let doc = openapi_spec::load_str(text, Path::new(name), true, &Default::default())
        .unwrap_or_else(|e| panic!("{e}"));
    openapi_spec::lint::lint(&doc).len()
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

/// `runs` interleaved pairs: (3.0 median, 3.1 median, findings of each).
fn compare(file: &Path, runs: usize) -> (Duration, Duration, usize, usize) {
    let doc = openapi_spec::load(file, &Default::default()).expect("loads");
    let old = serde_json::to_string(&doc.raw).expect("JSON");
    let new = serde_json::to_string(&openapi_spec::upgrade::to_3_1(&doc.raw)).expect("JSON");
    drop(doc);
    let (mut a, mut b) = (Vec::new(), Vec::new());
    let (mut fa, mut fb) = (0, 0);
    for _ in 0..runs {
        let start = Instant::now();
        fa = load_lint(&old, "3.0.json");
        a.push(start.elapsed());
        let start = Instant::now();
        fb = load_lint(&new, "3.1.json");
        b.push(start.elapsed());
    }
    (median(a), median(b), fa, fb)
}

fn report(name: &str, file: &Path, runs: usize) {
    let (old, new, fa, fb) = compare(file, runs);
    println!(
        "{name}: load + lint, medians of {runs} interleaved pairs: 3.0 {old:.2?} ({fa} findings), 3.1 {new:.2?} ({fb} findings), ratio 3.1/3.0 {:.2}",
        new.as_secs_f64() / old.as_secs_f64()
    );
}

fn main() {
    report("v1 document", &root().join("openapi/signalzen-v1.yaml"), 41);
    let github = std::env::var_os("GITHUB_OPENAPI")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target/github-openapi/23.0.2/api.github.com.json"));
    if github.is_file() {
        // Each pair takes seconds: 7 by default, VERSIONS_PAIRS to change it.
        let pairs = std::env::var("VERSIONS_PAIRS")
            .ok()
            .and_then(|n| n.parse().ok())
            .unwrap_or(7);
        report("GitHub REST description", &github, pairs);
    } else {
        println!("GitHub skipped: run `bash benches/fetch-github-openapi.sh 23.0.2`");
    }
}
