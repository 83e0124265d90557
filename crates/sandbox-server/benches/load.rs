//! Load on loopback: `wrk` (a separate process, sharing the 2 cores with the
//! server) against `GET /users?limit=50` with both headers. Three runs of
//! 10 s each; prints requests/s, p99 latency and errors, and their medians.
//!
//! `cargo bench -p sandbox-server --bench load` (needs `wrk`: `apt-get install wrk`).
//! BENCH_SECONDS, BENCH_CONNECTIONS and BENCH_THREADS change the load.

use std::process::Command;

use sandbox_server::{Config, Sandbox};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn env(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// wrk's latency lines look like `     99%    3.21ms`.
fn millis(text: &str) -> Option<f64> {
    let t = text.trim();
    let (n, unit) = t.split_at(t.find(|c: char| c.is_ascii_alphabetic())?);
    let n: f64 = n.parse().ok()?;
    Some(match unit {
        "us" => n / 1000.0,
        "ms" => n,
        "s" => n * 1000.0,
        _ => return None,
    })
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    if Command::new("wrk").arg("--version").output().is_err() {
        eprintln!("wrk is not installed (apt-get install wrk); skipping the load benchmark");
        return;
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(env("BENCH_WORKERS", 2) as usize)
        .enable_all()
        .build()
        .unwrap();
    let sandbox = rt.block_on(Sandbox::start(Config::default())).unwrap();
    let url = format!("{}/users?limit=50", sandbox.base_url());
    let auth = format!("Authorization: Bearer {}", sandbox.websites()[0].secret);
    let (seconds, connections, threads) = (
        env("BENCH_SECONDS", 10),
        env("BENCH_CONNECTIONS", 32),
        env("BENCH_THREADS", 1),
    );
    let (mut rps, mut p99) = (Vec::new(), Vec::new());
    for run in 1..=3 {
        let out = Command::new("wrk")
            .args([
                "--latency",
                &format!("-t{threads}"),
                &format!("-c{connections}"),
                &format!("-d{seconds}s"),
                "-H",
                &auth,
                "-H",
                "Accept: application/vnd.signalzen.v1+json",
                &url,
            ])
            .output()
            .expect("wrk runs");
        let text = String::from_utf8_lossy(&out.stdout);
        let r: f64 = text
            .lines()
            .find_map(|l| l.strip_prefix("Requests/sec:"))
            .and_then(|v| v.trim().parse().ok())
            .expect("wrk prints Requests/sec");
        let p: f64 = text
            .lines()
            .find_map(|l| l.trim().strip_prefix("99%"))
            .and_then(millis)
            .expect("wrk prints the 99th percentile");
        let errors = text
            .lines()
            .filter(|l| l.contains("Non-2xx") || l.contains("Socket errors"))
            .collect::<Vec<_>>()
            .join("; ");
        println!(
            "run {run}: {r:.0} requests/s, p99 {p:.2} ms, errors: {}",
            if errors.is_empty() {
                "none"
            } else {
                errors.as_str()
            }
        );
        rps.push(r);
        p99.push(p);
    }
    println!(
        "median of 3: {:.0} requests/s, p99 {:.2} ms (wrk -t{threads} -c{connections} -d{seconds}s, GET /users?limit=50)",
        median(rps),
        median(p99)
    );
    rt.block_on(sandbox.stop());
}
