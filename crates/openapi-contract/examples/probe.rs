use std::time::Instant;
use serde_json::Value;
fn main() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(root.join("openapi/schemas/operations/listMessages/200.json")).unwrap()).unwrap();
    let v = jsonschema::options().should_validate_formats(true).build(&schema).unwrap();
    let mut s = schema.clone(); 
    let v2 = jsonschema::options().should_validate_formats(false).build(&s.take()).unwrap();
    let rec = har::Recording::from_text("x", std::fs::read_to_string("/tmp/large.har").unwrap());
    let entries = rec.entries().unwrap();
    let bodies: Vec<Value> = entries.entries.iter().filter_map(|r| { let e = r.parse().unwrap(); let t = e.response.unwrap().content.text.unwrap(); if e.request.url.contains("messages") { Some(serde_json::from_str(&t).unwrap()) } else { None } }).collect();
    let texts: Vec<String> = bodies.iter().map(|b| b.to_string()).collect();
    let bytes: usize = texts.iter().map(|t| t.len()).sum();
    let t = Instant::now(); for x in &texts { let _: Value = serde_json::from_str(x).unwrap(); } let p = t.elapsed().as_secs_f64();
    let t = Instant::now(); for b in &bodies { assert!(v.is_valid(b)); } let a = t.elapsed().as_secs_f64();
    let t = Instant::now(); for b in &bodies { assert!(v2.is_valid(b)); } let c = t.elapsed().as_secs_f64();
    println!("{} MB parse {:.3}s  is_valid(formats) {:.3}s  is_valid(no formats) {:.3}s", bytes/1000000, p, a, c);
}
