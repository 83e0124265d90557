//! The reference under docs/reference/ is embedded (src/docs.rs); rebuild
//! when any file there changes, since `include_dir!` cannot tell Cargo.
fn main() {
    println!("cargo:rerun-if-changed=../../docs/reference");
}
