//! Recorded-mode throughput on a large synthetic HAR, against plain
//! `serde_json` parsing of the same bodies, and peak memory against the
//! file's size. `cargo bench -p openapi-contract --bench throughput`
//! (set BENCH_MB to change the size of the bodies; default 110).

use std::alloc::{GlobalAlloc, Layout, System};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use openapi_contract::run::Runner;
use openapi_contract::{Options, RunReport};
use serde_json::{Value, json};

/// Counts live heap bytes and their peak.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let now = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            if new_size > layout.size() {
                let now = LIVE.fetch_add(new_size - layout.size(), Ordering::Relaxed)
                    + (new_size - layout.size());
                PEAK.fetch_max(now, Ordering::Relaxed);
            } else {
                LIVE.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
            }
        }
        p
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn message(id: u64, user: u64, operator: bool, attachment: bool) -> Value {
    let sender = if operator {
        json!({"id": 7, "forename": "Jane", "surname": "Doe", "email": "jane.doe@example.com",
               "picture_thumb_url": if id.is_multiple_of(2) { Value::Null } else { json!("https://files.signalzen.com/operators/7/thumb.png") }})
    } else {
        json!({"id": user, "name": if id.is_multiple_of(3) { Value::Null } else { json!("David Smith") }, "email": "visitor@gmail.com"})
    };
    json!({
        "id": id,
        "body": if attachment { Value::Null } else { json!(format!("Message number {id}: hello, is anybody there? I have a question about my order.")) },
        "read_by_user": !id.is_multiple_of(5),
        "created_at": format!("2018-02-{:02}T17:{:02}:{:02}.000Z", 1 + id % 28, id % 60, (id / 60) % 60),
        "file_url": if attachment { json!(format!("https://files.signalzen.com/attachments/{id}/file.pdf?expires=1518253220&signature=5d41402abc4b2a76b9719d911017c592")) } else { Value::Null },
        "auto_invitation": false,
        "sender_type": if operator { "operator" } else { "user" },
        "read_by_operator": true,
        "sender": sender,
    })
}

fn user(id: u64) -> Value {
    json!({"id": id, "name": "John Smith", "email": "john.smith@gmail.com", "reference": id.to_string(),
           "created_at": "2017-11-25T20:27:42.000Z", "updated_at": "2017-11-25T20:27:42.000Z",
           "online_at": if id.is_multiple_of(2) { Value::Null } else { json!("2017-11-25T20:27:42.000Z") },
           "last_url": "https://example.com/pricing", "user_attributes": [{"name": "company", "value": "John limited"}, {"name": "plan", "value": "gold"}]})
}

fn entry(url: &str, body: &str) -> Value {
    json!({
        "startedDateTime": "2026-11-20T10:00:00.000Z", "time": 3,
        "request": {"method": "GET", "url": url, "httpVersion": "HTTP/1.1", "cookies": [],
                    "headers": [{"name": "Authorization", "value": "Bearer [REDACTED]"}, {"name": "Accept", "value": "application/vnd.signalzen.v1+json"}],
                    "queryString": [], "headersSize": -1, "bodySize": 0},
        "response": {"status": 200, "statusText": "OK", "httpVersion": "HTTP/1.1", "cookies": [],
                     "headers": [{"name": "Content-Type", "value": "application/json; charset=utf-8"}],
                     "content": {"size": body.len(), "mimeType": "application/json", "text": body},
                     "redirectURL": "", "headersSize": -1, "bodySize": body.len()},
        "cache": {}, "timings": {}, "_credentials": "valid"
    })
}

/// A HAR whose response bodies total at least `mb` megabytes: pages of 99
/// messages (both sender types, attachments, nulls) and of 99 users.
fn synthetic(mb: usize) -> (String, usize) {
    let base = "https://api.signalzen.com/external";
    let mut entries = Vec::new();
    let mut body_bytes = 0;
    let mut page = 0u64;
    while body_bytes < mb * 1_000_000 {
        let body = if page % 4 == 3 {
            let users: Vec<Value> = (0..99).map(|i| user(page * 100 + i)).collect();
            json!({"limit": 99, "offset": 0, "total": 500, "users": users}).to_string()
        } else {
            let messages: Vec<Value> = (0..99)
                .map(|i| message(page * 100 + i, page, i % 3 == 1, i % 10 == 0))
                .collect();
            json!({"limit": 99, "offset": 0, "total": 500, "messages": messages}).to_string()
        };
        let url = if page % 4 == 3 {
            format!("{base}/users?limit=99")
        } else {
            format!("{base}/users/{page}/messages?limit=99")
        };
        body_bytes += body.len();
        entries.push(entry(&url, &body));
        page += 1;
    }
    let har = json!({"log": {"version": "1.2", "creator": {"name": "bench", "version": "1"}, "entries": entries}});
    (har.to_string(), body_bytes)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    // `cargo bench` passes --bench; `cargo test --benches` would pass nothing useful.
    let mb: usize = std::env::var("BENCH_MB")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(110);
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let spec = root.join("openapi/signalzen-v1.yaml");
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("large.har");
    let (text, body_bytes) = synthetic(mb);
    let file_bytes = text.len();
    std::fs::write(&path, &text).expect("write");
    if let Ok(keep) = std::env::var("BENCH_KEEP_HAR") {
        std::fs::write(keep, &text).expect("write a copy");
    }
    // The bodies, as the parse-only baseline sees them.
    let bodies: Vec<String> = {
        let v: Value = serde_json::from_str(&text).expect("har");
        v["log"]["entries"]
            .as_array()
            .expect("entries")
            .iter()
            .map(|e| {
                e["response"]["content"]["text"]
                    .as_str()
                    .unwrap_or("")
                    .to_string()
            })
            .collect()
    };
    drop(text);
    let mb_of = |bytes: usize, secs: f64| bytes as f64 / 1e6 / secs;
    println!(
        "synthetic HAR: {} entries, {:.1} MB of bodies, file {:.1} MB",
        bodies.len(),
        body_bytes as f64 / 1e6,
        file_bytes as f64 / 1e6
    );

    let mut parse = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        let mut n = 0usize;
        for b in &bodies {
            let v: Value = serde_json::from_str(b).expect("json");
            n += usize::from(v.is_object());
        }
        assert_eq!(n, bodies.len());
        parse.push(mb_of(body_bytes, t.elapsed().as_secs_f64()));
    }
    drop(bodies);

    // Where the time goes: reading and splitting the HAR, then body parsing.
    let mut stages = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        let rec = har::Recording::read(&path, u64::MAX).expect("read");
        let entries = rec.entries().expect("entries");
        let mut parsed_only = 0.0;
        let mut n = 0usize;
        for raw in &entries.entries {
            let e = raw.parse().expect("entry");
            let t2 = Instant::now();
            let body = e
                .response
                .as_ref()
                .and_then(|r| r.content.text.as_deref())
                .unwrap_or("");
            let v: Value = serde_json::from_str(body).expect("json");
            n += usize::from(v.is_object());
            parsed_only += t2.elapsed().as_secs_f64();
        }
        assert!(n > 0);
        let total = t.elapsed().as_secs_f64();
        stages.push((total - parsed_only, parsed_only));
    }
    let (har_secs, body_secs) = stages[stages.len() / 2];
    println!(
        "  stage: read + split HAR + parse entries: {:.3} s; body parse: {:.3} s",
        har_secs, body_secs
    );

    let mut results = Vec::new();
    for workers in [1, 0] {
        let mut runner = Runner::new(spec.clone(), true, Options::default()).with_workers(workers);
        runner.contract(&spec).expect("contract");
        let mut check = Vec::new();
        let mut peaks = Vec::new();
        for _ in 0..5 {
            let live_before = LIVE.load(Ordering::Relaxed);
            PEAK.store(live_before, Ordering::Relaxed);
            let t = Instant::now();
            let report = RunReport {
                files: vec![runner.run_file(&path, "large.har", &|_| {})],
            };
            let secs = t.elapsed().as_secs_f64();
            peaks.push(PEAK.load(Ordering::Relaxed) - live_before);
            assert_eq!(
                report.verdict(),
                openapi_contract::Verdict::Pass,
                "{:?}",
                report.summary()
            );
            check.push(mb_of(body_bytes, secs));
        }
        results.push((workers, median(check), *peaks.iter().max().unwrap_or(&0)));
    }
    let p = median(parse);
    println!("serde_json parse only (1 thread): {p:8.1} MB/s (median of 5)");
    for (workers, c, peak) in results {
        let label = if workers == 0 {
            "all cores".to_string()
        } else {
            format!("{workers} thread")
        };
        println!(
            "contract check, end to end ({label}): {c:8.1} MB/s (median of 5), ratio {:.2} (target >= 0.50), peak heap {:.1} MB = {:.2} x the file (target <= 2)",
            c / p,
            peak as f64 / 1e6,
            peak as f64 / file_bytes as f64
        );
    }
}
